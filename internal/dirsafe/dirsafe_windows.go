//go:build windows

package dirsafe

import (
	"io/fs"
	"unsafe"

	"golang.org/x/sys/windows"
)

// NoFollow is 0 on Windows: os.OpenFile with O_CREATE|O_EXCL maps to
// CREATE_NEW, which fails on any existing name, a symbolic link included.
const NoFollow = 0

// fileDeleteChild is FILE_DELETE_CHILD (winnt.h), which x/sys/windows does
// not name.
const fileDeleteChild = 0x40

// writeRights are the rights that let a principal add, replace or delete
// files in a folder or change who may (learn.microsoft.com: File Security
// and Access Rights, Access Mask).
const writeRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | fileDeleteChild |
	windows.DELETE | windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL

func checkOwner(dir string, _ fs.FileInfo) error {
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return err
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return err
	}
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return err
	}
	me := tu.User.Sid
	if !owner.Equals(me) {
		return refusal(dir, "belongs to another user ("+owner.String()+"): choose a folder of your own")
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	if dacl == nil {
		return refusal(dir, "has no access control list (everyone may write): choose another")
	}
	for i := uint16(0); i < dacl.AceCount; i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, uint32(i), &ace); err != nil {
			return err
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 ||
			ace.Mask&writeRights == 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if sid.Equals(me) || sid.IsWellKnown(windows.WinLocalSystemSid) || sid.IsWellKnown(windows.WinBuiltinAdministratorsSid) ||
			sid.IsWellKnown(windows.WinCreatorOwnerSid) {
			continue
		}
		return refusal(dir, "is writable by "+sid.String()+": choose a folder only you can write")
	}
	return nil
}
