"""Private and shared spaces: directories under the spaces root with owners and members."""
