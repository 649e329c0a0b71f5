"""ECER — 节能减排目标管理与监测预警平台.

Energy-conservation and emission-reduction target management, monitoring and early warning
for a city's (or province's) five-year plan.
"""

__version__ = "0.1.0"
