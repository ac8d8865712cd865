# Build VIG Studio for Windows: the PyInstaller folder bundle and a per-user Inno Setup
# installer (dist\VIG_Studio-<version>-setup.exe).
#
# Needs: Python 3.11+ (64-bit), VLC 3 (64-bit) installed in C:\Program Files\VideoLAN\VLC (or
# set VIGSTUDIO_VLC_DIR), Inno Setup 6 (iscc.exe). On a hosted runner these are installed by
# packaging/ci/build-installers.yml.
# NOT RUN on the project's own machines (Linux): written for the hosted Windows runner.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

$python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
& $python -m venv .venv-build
if ($LASTEXITCODE -ne 0) { throw "could not create .venv-build" }
$venvPython = ".venv-build\Scripts\python.exe"
& $venvPython -m pip install --upgrade pip
& $venvPython -m pip install ".[package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

# PyInstaller bundle + licences + the bundle's own --self-check (build.py does all three).
& $venvPython packaging\build.py
if ($LASTEXITCODE -ne 0) { throw "the build or its self-check failed" }

$version = (& $venvPython -c "import re,pathlib;print(re.search(r'__version__ = \""(.+?)\""', pathlib.Path('src/vigstudio/__init__.py').read_text()).group(1))").Trim()
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\vigstudio.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*.exe | ForEach-Object { "{0} ({1:N0} MB)" -f $_.Name, ($_.Length / 1MB) }
