"""The columns every `tab<DocType>` table has (Frappe's standard columns), a child table's link
to its parent, and a tree's nested-set columns: names the whole engine agrees on, importing
nothing."""

STANDARD_COLUMNS = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
CHILD_COLUMNS = ("parent", "parenttype", "parentfield")
TREE_COLUMNS = ("lft", "rgt", "is_group", "old_parent")
