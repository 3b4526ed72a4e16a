"""`python -m conversation_coach` runs the same CLI as the console script."""

from conversation_coach.cli import main

raise SystemExit(main())
