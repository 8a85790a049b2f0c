"""Bad-input and fault battery, one module per class of fault.

test_data.py: loaders and caches meeting bad rows, hostile files, corrupted copies.
test_cli.py: the command line meeting user errors (one line, exit code 2, no partial file).
test_guards.py: inputs that would make work absurd or meaningless (amounts, symbols).
Extend the module of the class a new fault belongs to. (This file makes the folder a
package, so its module names may repeat those of tests/<layer>/.)
"""
