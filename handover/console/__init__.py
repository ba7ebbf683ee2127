"""The on-duty social worker's console: an aiohttp web app over the Redis handover layer.

    python -m handover.console                      # serve (prints its URL)
    python -m handover.console adduser anna --role staff

See docs/console.md for staff and coordinators, app.py for the app factory.
"""
