"""The REST API in Frappe's v1 dialect: /api/resource, /api/method and the legacy /?cmd=."""
