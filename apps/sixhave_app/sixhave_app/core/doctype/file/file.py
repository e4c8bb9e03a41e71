"""File: a record of a file the site keeps (or of an outside URL). Whoever makes one through any
door may name a site file only by uploading it (engine/files.py, `check_registration`); whether
it is private follows from where the file lies, not from what a client says."""
from sixhave_app.engine import files, server_fields
from sixhave_app.engine.document import Document
from sixhave_app.engine.errors import PermissionError


class File(Document):
    def validate(self):
        url = self.file_url
        if files.is_local(url):
            self.is_private = int(files.is_private(url))
        if self.file_name:
            self.file_name = files.safe_filename(self.file_name)
        if self.is_new():
            files.check_registration(self.ctx, url, stored_now=bool(self.flags.__dict__.get("stored_now")))
            return
        old_url = (self._loaded or {}).get("file_url")
        if old_url is not None and old_url != url and not server_fields.trusted(self) and files.is_local(url or old_url):
            raise PermissionError("文件记录的地址不能修改：请重新上传文件", field="file_url")
