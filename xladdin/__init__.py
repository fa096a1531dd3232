"""xladdin: check, explain, fill and format 项目支出预算绩效目标表 in Excel workbooks."""

__version__ = "0.1.0"
