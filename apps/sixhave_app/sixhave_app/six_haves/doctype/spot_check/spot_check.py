from sixhave_app.engine.document import Document
from sixhave_app.engine.errors import ValidationError
from sixhave_app.six_haves import demonstration


class SpotCheck(Document):
    def validate(self):
        if not self.seed:
            raise ValidationError("抽查复核须由“抽样”生成（记录随机种子），不能手工创建")

    def on_update(self):
        demonstration.apply_spot_check(self)
