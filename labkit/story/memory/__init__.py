"""The story's Linux hosts in RAM: processes, files, sockets, modules and kernel log, before the image."""
