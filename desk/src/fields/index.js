// One component per field type: the only place the desk maps a DocField's type to what renders it.
// A new engine field type is one new file here and one line below; an app's type borrows one (FieldType.desk).
import DataField from './DataField.vue'
import IntField from './IntField.vue'
import FloatField from './FloatField.vue'
import CurrencyField from './CurrencyField.vue'
import PercentField from './PercentField.vue'
import CheckField from './CheckField.vue'
import SelectField from './SelectField.vue'
import LinkField from './LinkField.vue'
import DynamicLinkField from './DynamicLinkField.vue'
import DateField from './DateField.vue'
import DatetimeField from './DatetimeField.vue'
import TimeField from './TimeField.vue'
import SmallTextField from './SmallTextField.vue'
import TextField from './TextField.vue'
import LongTextField from './LongTextField.vue'
import TextEditorField from './TextEditorField.vue'
import CodeField from './CodeField.vue'
import MarkdownEditorField from './MarkdownEditorField.vue'
import AttachField from './AttachField.vue'
import AttachImageField from './AttachImageField.vue'
import TableField from './TableField.vue'
import TableMultiSelectField from './TableMultiSelectField.vue'
import ReadOnlyField from './ReadOnlyField.vue'
import HTMLField from './HTMLField.vue'
import RatingField from './RatingField.vue'
import JSONField from './JSONField.vue'
import PasswordField from './PasswordField.vue'
import ColorField from './ColorField.vue'

export const FIELD_COMPONENTS = {
  Data: DataField, Int: IntField, Float: FloatField, Currency: CurrencyField, Percent: PercentField, Check: CheckField,
  Select: SelectField, Link: LinkField, 'Dynamic Link': DynamicLinkField, Date: DateField, Datetime: DatetimeField,
  Time: TimeField, 'Small Text': SmallTextField, Text: TextField, 'Long Text': LongTextField, 'Text Editor': TextEditorField,
  Code: CodeField, 'Markdown Editor': MarkdownEditorField, Attach: AttachField, 'Attach Image': AttachImageField,
  Table: TableField, 'Table MultiSelect': TableMultiSelectField, 'Read Only': ReadOnlyField, HTML: HTMLField,
  Rating: RatingField, JSON: JSONField, Password: PasswordField, Color: ColorField,
}

// A field (or a type's name): an app's own type comes with the engine type whose input it borrows
// (`__widget` in the meta the server sends, from FieldType.desk).
export function componentFor(field) {
  const type = typeof field === 'string' ? field : (field?.__widget || field?.fieldtype)
  return FIELD_COMPONENTS[type] || DataField
}
