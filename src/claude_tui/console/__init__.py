"""The command line without the full screen: ``-p`` (print), ``chat``, ``list`` and ``export``.

Plain text in and out, no Textual: it works through pipes, in scripts and with screen
readers. Text from the model or from files reaches the terminal only through
:func:`claude_tui.domain.text.printable`.
"""
