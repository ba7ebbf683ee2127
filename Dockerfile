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
COPY tests/data/danger_dev.jsonl tests/data/danger_dev.jsonl
# The danger second opinion is trained here from the labelled messages and the Rasa examples,
# which then leave the image with the rest of the training data.
ENV TRYGG_DANGER_MODEL=/app/var/models/danger-model.json
RUN pip install --no-cache-dir . \
    && python -m nlu.danger.train --out "$TRYGG_DANGER_MODEL" \
    && rm -rf nlu/rasa/data tests
USER tryggchatt
# APP_ENV=production refuses to start with missing or weak secrets.
ENV APP_ENV=production
CMD ["python", "-m", "bot"]
