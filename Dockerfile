# BIWAQ Erfurt dashboard: one image for both services (compose.yaml):
#   internal dashboard  python -m streamlit run dashboard.py   (database + published folder)
#   public figures      python -m streamlit run oeffentlich.py (published folder only, read-only)
# Build: docker build -t biwaq-dashboard .   Run: docker compose up -d   (README "Betrieb")
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Wheels of geopandas/pyogrio/pyproj/shapely bring GDAL, PROJ and GEOS: no apt packages needed.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Non-root user; the database and the published folder live on volumes (compose.yaml).
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin biwaq \
 && mkdir -p /var/lib/biwaq /srv/biwaq/veroeffentlicht \
 && chown biwaq:biwaq /var/lib/biwaq /srv/biwaq/veroeffentlicht

ENV BIWAQ_DB=/var/lib/biwaq/biwaq.duckdb \
    BIWAQ_OEFFENTLICH_DIR=/srv/biwaq/veroeffentlicht/oeffentlich \
    BIWAQ_INTERN_DIR=/var/lib/biwaq/oeffentlich.intern \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

USER biwaq
EXPOSE 8501

# Streamlit's own health endpoint; the slim image has no curl, so Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STREAMLIT_SERVER_PORT', '8501') + '/_stcore/health', timeout=4)"]

CMD ["python", "-m", "streamlit", "run", "dashboard.py"]
