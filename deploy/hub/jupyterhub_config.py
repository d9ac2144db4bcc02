"""JupyterHub for the course: students and instructors log in, the formgrader is a hub service (docs/hub.md).

Every machine-specific value comes from one JSON file named by $COURSE_HUB_SETTINGS, written by `make hub`
(deploy/hub/trial.py) or by you; its keys are read in this order below. On a real server, replace the trial
login (TrialAuthenticator) with your institution's: docs/hub.md, "Real logins".
"""

import hmac
import json
import os
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Dict

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)
here = Path(__file__).resolve().parent
settings = json.loads(Path(os.environ["COURSE_HUB_SETTINGS"]).read_text(encoding="utf-8"))

course = settings["course_id"]  # nbgrader's course id: its group names and the service's name follow it
env_bin = Path(settings["environment"]) / "bin"  # the users' environment: the course installed from its wheel
instructors, students, grader = settings["instructors"], settings["students"], settings["grader"]

# -- where and how it listens ------------------------------------------------------------------------------------
c.JupyterHub.ip = settings.get("ip", "127.0.0.1")
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = f"sqlite:///{settings['state']}/jupyterhub.sqlite"  # the hub's own records, not grades
c.JupyterHub.cookie_secret_file = f"{settings['state']}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{settings['state']}/jupyterhub.pid"


# -- who may log in ----------------------------------------------------------------------------------------------
class TrialAuthenticator(Authenticator):
    """For trying the course only: one password per account, from the settings file. A real hub logs people in
    through the institution (OAuth, LTI from the LMS, or PAM): docs/hub.md, "Real logins"."""

    passwords = Dict(config=True, help="password of each account")

    async def authenticate(self, handler, data):
        expected = self.passwords.get(data["username"], "")
        if expected and hmac.compare_digest(expected.encode(), data["password"].encode()):
            return data["username"]
        return None


c.JupyterHub.authenticator_class = TrialAuthenticator
c.TrialAuthenticator.passwords = settings["passwords"]
c.Authenticator.allowed_users = set(instructors + students)

# nbgrader reads two groups (docs: "Using nbgrader with JupyterHub"): formgrade-<course> may use the course's
# formgrader service, nbgrader-<course> takes the course. instructors and students are for you.
c.JupyterHub.load_groups = {
    "instructors": {"users": instructors},
    "students": {"users": students},
    f"formgrade-{course}": {"users": instructors},
    f"nbgrader-{course}": {"users": students},
}
c.JupyterHub.load_roles = [
    {
        "name": f"formgrade-{course}",
        "groups": [f"formgrade-{course}"],
        "scopes": [f"access:services!service={course}", "list:services", f"read:services!service={course}"],
    },
]

# -- each person's own JupyterLab, as their own system account ----------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(env_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120  # a busy two-core machine starts a server in seconds, not always in 30
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # nbgrader_config.py (course id, exchange), which of nbgrader's extensions show: deploy/hub/users/
    "JUPYTER_CONFIG_PATH": settings.get("users_config", str(here / "users")),
    "COURSE_EXCHANGE": settings["exchange"],
    "PATH": f"{env_bin}:/usr/local/bin:/usr/bin:/bin",
}

# -- the formgrader: a hub service run as the grading account, in the course directory ----------------------------
c.JupyterHub.services = [
    {
        "name": course,
        "url": f"http://127.0.0.1:{settings['service_port']}",
        "command": [str(env_bin / "jupyterhub-singleuser")],
        "user": grader,
        "cwd": settings["course_dir"],
        "oauth_no_confirm": True,
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "JUPYTER_CONFIG_PATH": settings.get("grader_config", str(here / "grader")),
            "HOME": settings["grader_home"],
            "PATH": f"{env_bin}:/usr/local/bin:/usr/bin:/bin",
            # read by the course directory's nbgrader_config.py; only this account's processes see them
            "COURSE_EXCHANGE": settings["exchange"],
            "COURSE_DB_URL": settings["db_url"],
        },
    }
]
