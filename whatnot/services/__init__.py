"""Domain services of the whatnot app. They receive a ``WhatnotClient`` and
never build the HTTP transport themselves."""
