"""The receiving side of Whatnot webhooks: signature checks, envelope parsing,
storage and the view. Processing lives in whatnot.services.webhooks."""
