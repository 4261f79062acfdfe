"""Domain services of the whatnot app, one module per concern."""
