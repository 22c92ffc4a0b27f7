"""Allow ``python -m logistics``."""

from logistics.cli.main import main

if __name__ == "__main__":
    main()
