"""One module per command-line verb: ``add_arguments(parser)`` and ``run(args) -> int``.

Unlike the rest of the package, a verb imports what it uses inside ``run``: building the
parser imports every verb's module, and ``xladdin check`` must not pay for openpyxl,
the appliers and the LibreOffice helpers it never uses (measured: the start of
``xladdin --version`` goes from 0.17 s to 0.46 s when they are imported at the top —
per file, for a reviewer's shell loop).
"""
