"""Process exit codes, one place for all of them (documented in docs/cli.md).

The numbers follow BSD sysexits.h where one fits, so that shell scripts and
integrators can tell a bad input from a missing model from a full disk.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    #: Unexpected internal error (a bug); details are in the message.
    FAILURE = 1
    #: Wrong command-line usage (argparse's own convention).
    USAGE = 2
    #: An input exists but is not usable audio: corrupt, truncated or unsupported.
    DATAERR = 65
    #: An input file does not exist or cannot be opened.
    NOINPUT = 66
    #: No usable speech model: missing, incomplete or failing its checksum.
    UNAVAILABLE = 69
    #: No usable audio input: PortAudio missing, no such device, or it went away for good.
    DEVICE = 75
    #: A template file (layout, commands) is broken.
    CONFIG = 78
    #: The note was delivered, but its draft could not be saved on the way (drafts folder
    #: full, read-only or gone): the crash safety net was off for (part of) the session.
    NODRAFT = 73
    #: Writing the output failed (disk full, unwritable file).
    IOERR = 74
    #: Interrupted by Ctrl-C.
    INTERRUPTED = 130
