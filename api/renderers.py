"""CSV for every list of the public API (`?format=csv`), in the Dutch spreadsheet format of core/csv.py."""

import io

from rest_framework.renderers import BaseRenderer

from core.csv import BOM, spreadsheet_writer


def _cell(value):
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return value


class SpreadsheetCSVRenderer(BaseRenderer):
    """One row per object, the field names as the header; a page of results when paginated."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data] if data else []
        out = io.StringIO()
        out.write(BOM)
        writer = spreadsheet_writer(out)
        if rows:
            header = list(rows[0].keys())
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(row.get(key)) for key in header])
        return out.getvalue().encode("utf-8")
