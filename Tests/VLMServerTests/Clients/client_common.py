"""Helpers the client scripts share: the server address, a key, images made with Pillow, and a
tiny http server that serves them (the "image by URL" of the tutorials, without the internet)."""
import base64
import http.server
import io
import sys
import threading
import traceback

from PIL import Image

BASE_URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
API_KEY = sys.argv[2] if len(sys.argv) > 2 else "EMPTY"
MODEL = "test-model"


def jpeg_bytes(width=64, height=48, color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_bytes(width=32, height=32):
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(raw, media_type="image/jpeg"):
    return f"data:{media_type};base64," + base64.b64encode(raw).decode("ascii")


def serve_images():
    """Starts a local http server with /photo.jpg; returns its base URL."""
    photo = jpeg_bytes(112, 56)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/photo.jpg":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(photo)))
            self.end_headers()
            self.wfile.write(photo)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def run_checks(checks):
    """Runs every check, prints what failed, exits 1 if anything did."""
    failed = 0
    for check in checks:
        try:
            check()
            print(f"ok   {check.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {check.__name__}")
            traceback.print_exc()
    sys.exit(1 if failed else 0)
