"""The embedded demo: synthetic mentions of 2019 as a source plug-in (`demo`, AKIMS_SOURCE=demo).

`generator` makes the mentions, `texts` holds their text material, `source` is the plug-in
(`akims.sources` entry point `demo`). Production code never imports this package.
"""
