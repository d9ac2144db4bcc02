"""nbgrader for everyone who takes the course on the hub: the course and its shared exchange (docs/hub.md).

JupyterHub points each user's server here through JUPYTER_CONFIG_PATH (deploy/hub/jupyterhub_config.py).
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)
c.CourseDirectory.course_id = "hanoi-summit"  # course.grading.config.COURSE_ID
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True  # as the course's own settings: assignments fetched to hanoi-summit/
