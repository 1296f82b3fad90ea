from pairpad.cli import main

raise SystemExit(main())
