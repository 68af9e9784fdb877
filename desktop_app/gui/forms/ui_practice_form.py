# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'practice_form.ui'
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
from PySide6.QtWidgets import (QApplication, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_PracticeForm(object):
    def setupUi(self, PracticeForm):
        if not PracticeForm.objectName():
            PracticeForm.setObjectName(u"PracticeForm")
        PracticeForm.resize(560, 420)
        self.practiceLayout = QVBoxLayout(PracticeForm)
        self.practiceLayout.setObjectName(u"practiceLayout")
        self.practiceLayout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(2)
        self.tinLabel = QLabel(PracticeForm)
        self.tinLabel.setObjectName(u"tinLabel")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.tinLabel)

        self.tin = QLineEdit(PracticeForm)
        self.tin.setObjectName(u"tin")

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.tin)

        self.tinError = QLabel(PracticeForm)
        self.tinError.setObjectName(u"tinError")
        self.tinError.setWordWrap(True)

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.tinError)

        self.nameLabel = QLabel(PracticeForm)
        self.nameLabel.setObjectName(u"nameLabel")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.name = QLineEdit(PracticeForm)
        self.name.setObjectName(u"name")

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.name)

        self.nameError = QLabel(PracticeForm)
        self.nameError.setObjectName(u"nameError")
        self.nameError.setWordWrap(True)

        self.form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.nameError)

        self.addressLine1Label = QLabel(PracticeForm)
        self.addressLine1Label.setObjectName(u"addressLine1Label")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.addressLine1Label)

        self.addressLine1 = QLineEdit(PracticeForm)
        self.addressLine1.setObjectName(u"addressLine1")

        self.form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.addressLine1)

        self.addressLine1Error = QLabel(PracticeForm)
        self.addressLine1Error.setObjectName(u"addressLine1Error")
        self.addressLine1Error.setWordWrap(True)

        self.form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.addressLine1Error)

        self.addressLine2Label = QLabel(PracticeForm)
        self.addressLine2Label.setObjectName(u"addressLine2Label")

        self.form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.addressLine2Label)

        self.addressLine2 = QLineEdit(PracticeForm)
        self.addressLine2.setObjectName(u"addressLine2")

        self.form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.addressLine2)

        self.addressLine2Error = QLabel(PracticeForm)
        self.addressLine2Error.setObjectName(u"addressLine2Error")
        self.addressLine2Error.setWordWrap(True)

        self.form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.addressLine2Error)

        self.cityLabel = QLabel(PracticeForm)
        self.cityLabel.setObjectName(u"cityLabel")

        self.form.setWidget(8, QFormLayout.ItemRole.LabelRole, self.cityLabel)

        self.city = QLineEdit(PracticeForm)
        self.city.setObjectName(u"city")

        self.form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.city)

        self.cityError = QLabel(PracticeForm)
        self.cityError.setObjectName(u"cityError")
        self.cityError.setWordWrap(True)

        self.form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.cityError)

        self.stateLabel = QLabel(PracticeForm)
        self.stateLabel.setObjectName(u"stateLabel")

        self.form.setWidget(10, QFormLayout.ItemRole.LabelRole, self.stateLabel)

        self.state = QLineEdit(PracticeForm)
        self.state.setObjectName(u"state")

        self.form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.state)

        self.stateError = QLabel(PracticeForm)
        self.stateError.setObjectName(u"stateError")
        self.stateError.setWordWrap(True)

        self.form.setWidget(11, QFormLayout.ItemRole.FieldRole, self.stateError)

        self.zipLabel = QLabel(PracticeForm)
        self.zipLabel.setObjectName(u"zipLabel")

        self.form.setWidget(12, QFormLayout.ItemRole.LabelRole, self.zipLabel)

        self.zip = QLineEdit(PracticeForm)
        self.zip.setObjectName(u"zip")

        self.form.setWidget(12, QFormLayout.ItemRole.FieldRole, self.zip)

        self.zipError = QLabel(PracticeForm)
        self.zipError.setObjectName(u"zipError")
        self.zipError.setWordWrap(True)

        self.form.setWidget(13, QFormLayout.ItemRole.FieldRole, self.zipError)


        self.practiceLayout.addLayout(self.form)

#if QT_CONFIG(shortcut)
        self.tinLabel.setBuddy(self.tin)
        self.nameLabel.setBuddy(self.name)
        self.addressLine1Label.setBuddy(self.addressLine1)
        self.addressLine2Label.setBuddy(self.addressLine2)
        self.cityLabel.setBuddy(self.city)
        self.stateLabel.setBuddy(self.state)
        self.zipLabel.setBuddy(self.zip)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.tin, self.name)
        QWidget.setTabOrder(self.name, self.addressLine1)
        QWidget.setTabOrder(self.addressLine1, self.addressLine2)
        QWidget.setTabOrder(self.addressLine2, self.city)
        QWidget.setTabOrder(self.city, self.state)
        QWidget.setTabOrder(self.state, self.zip)

        self.retranslateUi(PracticeForm)

        QMetaObject.connectSlotsByName(PracticeForm)
    # setupUi

    def retranslateUi(self, PracticeForm):
        self.tinLabel.setText(QCoreApplication.translate("PracticeForm", u"&TIN", None))
        self.tin.setPlaceholderText(QCoreApplication.translate("PracticeForm", u"9 digits, e.g. 12-3456789", None))
#if QT_CONFIG(tooltip)
        self.tin.setToolTip(QCoreApplication.translate("PracticeForm", u"Taxpayer Identification Number the practice bills Medicare under", None))
#endif // QT_CONFIG(tooltip)
        self.nameLabel.setText(QCoreApplication.translate("PracticeForm", u"Practice &name", None))
        self.addressLine1Label.setText(QCoreApplication.translate("PracticeForm", u"Address line &1", None))
        self.addressLine1.setPlaceholderText(QCoreApplication.translate("PracticeForm", u"Street address", None))
        self.addressLine2Label.setText(QCoreApplication.translate("PracticeForm", u"Address line &2", None))
        self.addressLine2.setPlaceholderText(QCoreApplication.translate("PracticeForm", u"Suite, floor (optional)", None))
        self.cityLabel.setText(QCoreApplication.translate("PracticeForm", u"&City", None))
        self.stateLabel.setText(QCoreApplication.translate("PracticeForm", u"&State", None))
        self.state.setPlaceholderText(QCoreApplication.translate("PracticeForm", u"2 letters, e.g. PA", None))
        self.zipLabel.setText(QCoreApplication.translate("PracticeForm", u"&ZIP code", None))
        self.zip.setPlaceholderText(QCoreApplication.translate("PracticeForm", u"5 or 9 digits", None))
        pass
    # retranslateUi

