"""Runs a command with stdin, stdout and stderr on a new pseudo-terminal, copies what it printed to
stdout, and exits with its exit status (128 + N after signal N). Usage: run-in-pty.py COMMAND [ARG...]"""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

output = bytearray()
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        # Linux raises EIO once the child has closed its side of the terminal.
        break
    if not chunk:
        break
    output += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(output)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
