from dictate.cli import main

raise SystemExit(main())
