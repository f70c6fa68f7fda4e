"""Test helpers for users of deskflow: the storage contract kit and hypothesis strategies.

Import the submodules you need; they require the ``testing`` extra
(``pip install deskflow[testing]``), and importing this package alone
imports nothing heavy.

>>> import deskflow.testing
>>> deskflow.testing.__name__
'deskflow.testing'
"""
