import sys

from aesp_app.cli import main

sys.exit(main())
