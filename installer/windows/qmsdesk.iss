; Inno Setup 6 script: the Windows installer for QMS Desk, wrapping the one-folder bundle.
;
; On Windows, after building the bundle (see installer/README.md):
;     pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\qmsdesk.spec
;     "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" installer\windows\qmsdesk.iss
; writes dist\QMSDesk-<version>-setup.exe.
;
; Installs for the current user without administrator rights (into
; %LOCALAPPDATA%\Programs\QMS Desk), with a Start-menu shortcut, an optional desktop
; shortcut and an uninstaller in "Apps & features". The user's databases live in
; %LOCALAPPDATA%\QMSDesk, outside the program folder: uninstalling leaves them alone.

#define AppName "QMS Desk"
#define Bundle AddBackslash(SourcePath) + "..\..\dist\qmsdesk"
; The windowed program: shortcuts never open a console window. qmsdesk.exe, next to it,
; is the command line.
#define GuiExe "QMSDesk.exe"
; The version the spec wrote into the program's file properties.
#define AppVersion GetStringFileInfo(Bundle + "\qmsdesk.exe", "ProductVersion")
#if AppVersion == ""
  #error dist\qmsdesk\qmsdesk.exe is missing or has no version: build the bundle first
#endif

[Setup]
; Never change AppId: upgrades and the uninstaller find the installation by it.
AppId={{6F1C2B9E-3D4A-4E7B-9C1D-2A5B8E7F0C31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=QMS Desk
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=QMSDesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\qmsdesk.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale: no file of the old version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
