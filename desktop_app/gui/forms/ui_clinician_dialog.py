# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'clinician_dialog.ui'
##
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_ClinicianDialog(object):
    def setupUi(self, ClinicianDialog):
        if not ClinicianDialog.objectName():
            ClinicianDialog.setObjectName(u"ClinicianDialog")
        ClinicianDialog.resize(520, 330)
        self.dialogLayout = QVBoxLayout(ClinicianDialog)
        self.dialogLayout.setObjectName(u"dialogLayout")
        self.intro = QLabel(ClinicianDialog)
        self.intro.setObjectName(u"intro")
        self.intro.setWordWrap(True)

        self.dialogLayout.addWidget(self.intro)

        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.npiLabel = QLabel(ClinicianDialog)
        self.npiLabel.setObjectName(u"npiLabel")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.npiLabel)

        self.npi = QLineEdit(ClinicianDialog)
        self.npi.setObjectName(u"npi")
        self.npi.setMaxLength(15)

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.npi)

        self.npiError = QLabel(ClinicianDialog)
        self.npiError.setObjectName(u"npiError")
        self.npiError.setWordWrap(True)

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.npiError)

        self.firstNameLabel = QLabel(ClinicianDialog)
        self.firstNameLabel.setObjectName(u"firstNameLabel")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.firstNameLabel)

        self.firstName = QLineEdit(ClinicianDialog)
        self.firstName.setObjectName(u"firstName")

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.firstName)

        self.firstNameError = QLabel(ClinicianDialog)
        self.firstNameError.setObjectName(u"firstNameError")
        self.firstNameError.setWordWrap(True)

        self.form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.firstNameError)

        self.lastNameLabel = QLabel(ClinicianDialog)
        self.lastNameLabel.setObjectName(u"lastNameLabel")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.lastNameLabel)

        self.lastName = QLineEdit(ClinicianDialog)
        self.lastName.setObjectName(u"lastName")

        self.form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.lastName)

        self.lastNameError = QLabel(ClinicianDialog)
        self.lastNameError.setObjectName(u"lastNameError")
        self.lastNameError.setWordWrap(True)

        self.form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.lastNameError)

        self.clinicianTypeLabel = QLabel(ClinicianDialog)
        self.clinicianTypeLabel.setObjectName(u"clinicianTypeLabel")

        self.form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.clinicianTypeLabel)

        self.clinicianType = QComboBox(ClinicianDialog)
        self.clinicianType.setObjectName(u"clinicianType")

        self.form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.clinicianType)

        self.clinicianTypeError = QLabel(ClinicianDialog)
        self.clinicianTypeError.setObjectName(u"clinicianTypeError")
        self.clinicianTypeError.setWordWrap(True)

        self.form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.clinicianTypeError)

        self.enrollmentLabel = QLabel(ClinicianDialog)
        self.enrollmentLabel.setObjectName(u"enrollmentLabel")

        self.form.setWidget(8, QFormLayout.ItemRole.LabelRole, self.enrollmentLabel)

        self.enrollmentDate = QLineEdit(ClinicianDialog)
        self.enrollmentDate.setObjectName(u"enrollmentDate")

        self.form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.enrollmentDate)

        self.enrollmentDateError = QLabel(ClinicianDialog)
        self.enrollmentDateError.setObjectName(u"enrollmentDateError")
        self.enrollmentDateError.setWordWrap(True)

        self.form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.enrollmentDateError)


        self.dialogLayout.addLayout(self.form)

        self.dialogSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.dialogLayout.addItem(self.dialogSpacer)

        self.buttons = QDialogButtonBox(ClinicianDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.dialogLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.npiLabel.setBuddy(self.npi)
        self.firstNameLabel.setBuddy(self.firstName)
        self.lastNameLabel.setBuddy(self.lastName)
        self.clinicianTypeLabel.setBuddy(self.clinicianType)
        self.enrollmentLabel.setBuddy(self.enrollmentDate)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.npi, self.firstName)
        QWidget.setTabOrder(self.firstName, self.lastName)
        QWidget.setTabOrder(self.lastName, self.clinicianType)
        QWidget.setTabOrder(self.clinicianType, self.enrollmentDate)

        self.retranslateUi(ClinicianDialog)

        QMetaObject.connectSlotsByName(ClinicianDialog)
    # setupUi

    def retranslateUi(self, ClinicianDialog):
        ClinicianDialog.setWindowTitle(QCoreApplication.translate("ClinicianDialog", u"Clinician", None))
        self.intro.setText(QCoreApplication.translate("ClinicianDialog", u"Enter the clinician as listed in NPPES and in Medicare enrollment (PECOS).", None))
        self.npiLabel.setText(QCoreApplication.translate("ClinicianDialog", u"&NPI", None))
        self.npi.setPlaceholderText(QCoreApplication.translate("ClinicianDialog", u"10 digits", None))
        self.firstNameLabel.setText(QCoreApplication.translate("ClinicianDialog", u"&First name", None))
        self.lastNameLabel.setText(QCoreApplication.translate("ClinicianDialog", u"&Last name", None))
        self.clinicianTypeLabel.setText(QCoreApplication.translate("ClinicianDialog", u"Clinician &type", None))
        self.enrollmentLabel.setText(QCoreApplication.translate("ClinicianDialog", u"Medicare &enrollment date", None))
        self.enrollmentDate.setPlaceholderText(QCoreApplication.translate("ClinicianDialog", u"MM/DD/YYYY (optional)", None))
    # retranslateUi

