"""Allow ``python -m logistics``."""

from logistics.cli import main

if __name__ == "__main__":
    main()
