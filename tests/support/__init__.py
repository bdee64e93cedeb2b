"""Test tooling shared by the tests and the benchmarks (scripts/*.py); never used by the guide.

- speech.py: test speech made here (espeak-ng voices and speeds, sox padding and noise)
- alsa.py: ALSA's file plugin as microphone and loudspeaker (what happens, not how long)
- pulse.py: a private PulseAudio server that keeps real time, with echo and room talk
- track.py, sound.py: recording a sink's monitor, and reading it (loud windows, chimes)
- guide.py: the real guide on the PulseAudio rig, its captions time-stamped
- room.py: a second talker in the room
- terminal.py: pseudo-terminals, for keys
- procs.py: stopping what a rig started
"""
