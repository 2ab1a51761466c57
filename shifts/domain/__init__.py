"""Pure shift geometry: GPS fixes and their flags, coverage of the road network, the track
simulator and the GPX/CSV readers. Nothing here imports Django."""
