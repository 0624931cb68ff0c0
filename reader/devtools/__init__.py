"""Developer tools: screenshots, the hostile library generator, the open-every-post probe."""
