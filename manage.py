#!/usr/bin/env python
import sys

from bloc.cli import run_management

if __name__ == "__main__":
    run_management(sys.argv)
