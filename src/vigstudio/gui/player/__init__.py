"""The player panel: picture, transport, readout, go-to box, speed, volume, keyboard."""
