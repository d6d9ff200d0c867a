"""The standard-library core: digests, the manifest document, atomic files, generations, static roots."""
