"""The teacher's tools: ``Classroom`` (every nbgrader step for a class, the grading journal and retries), the
``course`` command line, and the demo with its sample class. They drive the grading side (``course.grading``).
"""
