"""The teacher's own settings in the course's nbgrader_config.py reach the `course` commands, not only nbgrader's
tools (course/grading/config.py, docs/running-a-class.md)."""

from course.grading.config import write_config_file
from course.teacher.classroom import Classroom
from course.teacher.cli import main
from tests.conftest import copy_course


def test_a_setting_in_nbgrader_config_reaches_the_course_commands(tmp_path):
    root = copy_course(tmp_path / "course")
    path = write_config_file(root, root / "work")
    path.write_text(path.read_text() + 'c.FeedbackPolicy.quiz_keys = "never"\nc.PerDayLate.percent_per_day = 5\n')
    config = Classroom(root, root / "work").config
    assert config.FeedbackPolicy.quiz_keys == "never" and config.PerDayLate.percent_per_day == 5
    assert config.CourseDirectory.root == str(root.resolve())  # the course's own settings are kept


def test_a_broken_nbgrader_config_is_named_not_a_traceback(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.FeedbackPolicy.quiz_keys = \n")
    code = main(["--work", str(tmp_path / "work"), "generate", "summit_outcome", "--root", str(root)])
    out = " ".join(capsys.readouterr().out.split())  # the terminal wraps long lines
    assert code == 1 and "nbgrader_config.py could not be read: SyntaxError" in out


def test_the_feedback_template_is_set_for_feedback_only_so_the_formgrader_keeps_its_own(tmp_path):
    """The formgrader renders a submission with nbconvert's HTMLExporter and its "formgrade" template: the course's
    feedback template set on HTMLExporter made every submission page fail (tests/test_formgrader.py in a browser)."""
    from course.grading.feedback import FeedbackExporter

    config = Classroom(copy_course(tmp_path / "course"), tmp_path / "work").config
    assert "template_name" not in config.HTMLExporter and "extra_template_basedirs" not in config.HTMLExporter
    assert config.GenerateFeedback.exporter_class is FeedbackExporter
    assert config.FeedbackExporter.template_name == "feedback"
