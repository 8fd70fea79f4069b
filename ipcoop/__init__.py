"""ipcoop: the Korea–ASEAN IP Cooperation Platform."""
