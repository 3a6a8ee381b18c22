"""Real-time co-editing in shared spaces: collaboration rooms that respect space roles."""
