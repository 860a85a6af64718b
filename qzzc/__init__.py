"""qzzc (衢州职称): a command-line toolkit for the offices of Quzhou's professional-title
evaluation committees."""

__version__ = "0.1.0"
