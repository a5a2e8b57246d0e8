from swe_swe.cli import main

raise SystemExit(main())
