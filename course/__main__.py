from .teacher.cli import main

raise SystemExit(main())
