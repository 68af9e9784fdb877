"""Package list for setuptools (everything else is in pyproject.toml).

The top-level resources/ folder ships inside the package as
``desktop_app.resources`` (read with importlib.resources), so an installed
application finds its styles, icons and templates.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["desktop_app", "desktop_app.*"]), "desktop_app.resources"],
    package_dir={"desktop_app.resources": "resources"},
)
