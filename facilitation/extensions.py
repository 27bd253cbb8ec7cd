"""Extension objects, created without an app and attached in create_app()."""

from flask_babel import Babel
from flask_socketio import SocketIO

socketio = SocketIO()
babel = Babel()
