# The Python services (bot + web chat, staff console). Rasa has its own image (nlu/rasa/Dockerfile).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 tryggchatt
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY nlu nlu
COPY flows flows
COPY handover handover
COPY devstack devstack
RUN pip install --no-cache-dir . && rm -rf nlu/rasa/data
USER tryggchatt
# APP_ENV=production refuses to start with missing or weak secrets.
ENV APP_ENV=production
CMD ["python", "-m", "bot"]
