"""The political program: planks, versions, stances."""
