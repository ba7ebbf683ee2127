"""Tryggchatt's own Rasa components, loaded by module path from nlu/rasa/config.yml.

Rasa puts its working directory on sys.path, so `rasa train` and `rasa run` are started
with nlu/rasa as the working directory (devstack/, nlu/rasa/Dockerfile).
"""
