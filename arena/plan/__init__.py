"""`arena plan`: what a tournament will cost (episodes, model calls, tokens, dollars, time) before it runs."""
